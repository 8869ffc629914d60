"""The Dyno Agent: chat models, tools and the graph that lets engineers book dynos by chat."""
