"""The planner: many test requests placed at once by an optimising model (OR-Tools CP-SAT).

Pure domain code: it takes plain data (`problem.Problem`) and returns a plan (`result.Plan`);
reading requests from the database and booking a plan are the callers' business.
"""
