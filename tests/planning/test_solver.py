"""The planner on small cases whose optimum is known by hand."""

from __future__ import annotations

import random

from dyno_agent.planning.check import violations
from dyno_agent.planning.greedy import greedy_plan
from dyno_agent.planning.problem import Busy, Problem, Rule
from dyno_agent.planning.result import Assignment, Plan
from dyno_agent.planning.solver import EXACT_MAX_REQUESTS, solve
from tests.planning.cases import day, dyno, lab, planned, request, starts


def test_two_requests_on_one_dyno_the_shorter_goes_first_and_the_other_is_late_by_its_length():
    plan = planned(lab([request(1, 5), request(2, 3)], [dyno(1)]))
    assert starts(plan) == {2: (1, 0), 1: (1, 3)}
    assert plan.total_lateness == 3
    assert plan.status == "OPTIMAL"


def test_when_only_one_fits_the_higher_priority_is_placed_and_the_other_is_short_of_capacity():
    problem = lab([request(1, 3, priority=1), request(2, 3, priority=3)], [dyno(1)], horizon_days=0)
    plan = planned(problem)
    assert starts(plan) == {2: (1, 0)}
    assert plan.reason(1) == "capacity"


def test_placing_more_requests_beats_lateness_where_greedy_in_desired_order_places_fewer():
    requests = [request(1, 10, desired=0), request(2, 2, desired=1, earliest=0)]
    requests.append(request(3, 2, desired=2, earliest=0))
    problem = lab(requests, [dyno(1)], horizon_days=5)
    assert greedy_plan(problem).placed == 1
    plan = planned(problem)
    assert plan.placed == 3
    assert starts(plan) == {2: (1, 0), 3: (1, 2), 1: (1, 4)}
    assert plan.total_lateness == 4


def test_mileage_steps_of_a_vehicle_run_in_order_even_when_the_reverse_is_less_late():
    requests = [request(1, 3, vehicle="V", step=1), request(2, 2, vehicle="V", step=2)]
    plan = planned(lab(requests, [dyno(1), dyno(2)]))
    assert starts(plan)[1][1] == 0
    assert starts(plan)[2][1] == 3
    assert plan.total_lateness == 3


def test_a_later_step_is_unplaced_when_an_earlier_one_cannot_be_placed():
    requests = [
        request(1, 500, vehicle="V", step=1),
        request(2, 2, vehicle="V", step=2),
        request(3, 10, vehicle="W", step=1),
        request(4, 2, vehicle="W", step=2),
    ]
    plan = planned(lab(requests, [dyno(1), dyno(2)], horizon_days=5))
    assert plan.reason(1) == "bad_data"
    assert plan.reason(2) == "vehicle_chain"
    assert starts(plan)[3] == (1, 0) or starts(plan)[3] == (2, 0)
    assert plan.reason(4) == "vehicle_chain"  # could start on day 10 at the earliest


def test_a_booked_earlier_step_holds_back_the_later_one():
    busy = [Busy(day(0), day(3), dyno_id=2, vehicle="V", step=1)]
    plan = planned(lab([request(1, 2, vehicle="V", step=2)], [dyno(1), dyno(2)], busy=busy))
    assert starts(plan)[1][1] == 4


def test_a_facility_restriction_is_kept_even_when_another_facility_is_free_sooner():
    dynos = [dyno(1, facility="ATDL"), dyno(2, facility="MPG")]
    busy = [Busy(day(0), day(4), dyno_id=2, label="allocation")]
    plan = planned(lab([request(1, 2, facility="MPG")], dynos, busy=busy))
    assert starts(plan) == {1: (2, 5)}


def test_maintenance_existing_allocations_and_commissioning_are_avoided():
    busy = [
        Busy(day(2), day(4), dyno_id=1, label="maintenance"),
        Busy(day(7), day(8), dyno_id=1, label="allocation"),
    ]
    plan = planned(lab([request(1, 3)], [dyno(1), dyno(2, available_from=day(12))], busy=busy))
    assert starts(plan) == {1: (1, 9)}


def test_a_vehicle_booked_elsewhere_waits_for_its_booking_to_end():
    busy = [Busy(day(0), day(1), dyno_id=2, vehicle="V", label="allocation")]
    plan = planned(lab([request(1, 2, vehicle="V")], [dyno(1), dyno(2)], busy=busy))
    assert starts(plan) == {1: (1, 2)}


def test_requests_no_dyno_can_run_and_bad_data_get_their_reasons():
    requests = [
        request(1, 2, test="evap"),
        request(2, 2, drive=None),
        request(3, 2, facility="Elsewhere"),
        request(4, 2),
    ]
    plan = planned(lab(requests, [dyno(1), dyno(2, enabled=False)]))
    assert plan.reason(1) == "no_compatible_dyno"
    assert plan.reason(2) == "bad_data"
    assert plan.reason(3) == "no_compatible_dyno"
    assert starts(plan) == {4: (1, 0)}


def test_rules_are_exact_and_scarce_dynos_stay_free():
    rules = [
        Rule(1, "emissions"),
        Rule(1, "evap"),
        Rule(2, "emissions", "2WD", "<10K"),
        Rule(3, "emissions", "AWD", "any"),
    ]
    requests = [
        request(1, 2),
        request(2, 2, drive="AWD", weight=">10K"),
        request(3, 2, drive="4WD"),
    ]
    plan = planned(lab(requests, [dyno(1), dyno(2), dyno(3)], rules))
    assert starts(plan) == {1: (2, 0), 2: (3, 0), 3: (1, 0)}


def test_earliest_start_in_the_past_starts_today_and_lateness_counts_from_the_desired_day():
    plan = planned(lab([request(1, 2, desired=-3)], [dyno(1)]))
    assert starts(plan) == {1: (1, 0)}
    assert plan.total_lateness == 3


def test_the_same_input_gives_the_same_plan():
    rng = random.Random(7)
    requests = [
        request(
            i,
            rng.randint(1, 6),
            desired=rng.randint(0, 20),
            vehicle=f"V{i % 8}",
            step=i // 8,
            drive=rng.choice(["2WD", "AWD"]),
            priority=i % 3 + 1,
        )
        for i in range(20)
    ]
    rules = [Rule(d, "emissions", "2WD" if d % 2 else "any") for d in range(1, 6)]
    problem = lab(requests, [dyno(d) for d in range(1, 6)], rules, horizon_days=30)
    first = planned(problem, num_workers=2, work_limit=1.0)
    assert planned(problem, num_workers=2, work_limit=1.0).assignments == first.assignments
    assert planned(problem).assignments == planned(problem).assignments
    greedy = greedy_plan(problem)
    assert (value(first), -first.total_lateness) >= (value(greedy), -greedy.total_lateness)


def value(plan: Plan) -> int:
    return sum(a.request_id % 3 + 1 for a in plan.assignments)


def test_the_check_finds_overlaps_incompatible_dynos_and_broken_step_order():
    problem = lab(
        [request(1, 3, vehicle="V", step=1), request(2, 3, vehicle="V", step=2)],
        [dyno(1), dyno(2)],
        [Rule(1, "emissions")],
    )
    bad = Plan(
        (Assignment(1, 1, day(2), day(4), 2), Assignment(2, 2, day(0), day(2), 0)),
        (),
        "GREEDY",
    )
    found = " | ".join(violations(problem, bad))
    assert "dyno 2 may not run it" in found
    assert "starts before earlier step request 1 ends" in found
    assert "V: request 2 and request 1 overlap" in found


def test_identical_dynos_are_pooled_and_each_request_still_gets_a_dyno_of_its_own():
    busy = [Busy(day(0), day(1), dyno_id=4, label="maintenance")]
    requests = [request(i, 2) for i in range(1, 6)]
    plan = planned(lab(requests, [dyno(d) for d in range(1, 5)], busy=busy))
    assert sorted(d for d, s in starts(plan).values() if s == 0) == [1, 2, 3]
    assert len({d for d, s in starts(plan).values() if s == 2}) == 2
    assert plan.total_lateness == 4


def test_a_later_step_waits_unplaced_while_its_earlier_step_finds_no_room():
    rules = [Rule(1, "emissions"), Rule(2, "evap")]
    busy = [Busy(day(0), day(40), dyno_id=2, label="allocation")]
    requests = [
        request(1, 3, vehicle="V", step=1, test="evap"),
        request(2, 3, vehicle="V", step=2),
    ]
    plan = planned(lab(requests, [dyno(1), dyno(2)], rules, busy, horizon_days=30))
    assert plan.reason(1) == "capacity"
    assert plan.reason(2) == "vehicle_chain"


def test_a_dyno_booked_twice_over_the_same_days_is_still_planned_around_to_the_optimum():
    # The lab's workbook double-books MPG 1; overlapping fixed spans used to make the model
    # infeasible, leaving the greedy plan (request 1 first, request 2 late by 5 days).
    busy = [
        Busy(day(0), day(3), dyno_id=1, label="allocation"),
        Busy(day(2), day(5), dyno_id=1, label="allocation"),
    ]
    requests = [request(1, 5, desired=6, earliest=6), request(2, 1, desired=7, earliest=6)]
    plan = planned(lab(requests, [dyno(1)], busy=busy))
    assert starts(plan) == {2: (1, 6), 1: (1, 7)}
    assert plan.total_lateness == 1
    assert plan.status == "OPTIMAL"


def gadgets(placing: int, waiting: int) -> tuple[Problem, int, int]:
    """A lab too large for the whole model (the neighbourhood search plans it) made of small
    independent gadgets, each on its own dyno and test, with known optima. A placing gadget: a
    10-day request wanted on day 0 and two 2-day ones wanted on days 1 and 2 that may start on
    day 0; with starts up to day 5, greedy places only the long one, the optimum places all three
    (2-day ones first) with 4 days of lateness. A waiting gadget: a 4-day request wanted on day 0
    and a 1-day one wanted on day 1 that may start on day 0: greedy makes the short one wait 3
    days, the optimum runs it first (on day 0, not late) and the long one 1 day late. The first
    dyno is also booked twice over the same days. Returns the problem, the optimal number placed
    and the optimal lateness."""
    requests, dynos, rules = [], [], []
    for k in range(placing + waiting):
        test = f"t{k}"
        dynos.append(dyno(k + 1))
        rules.append(Rule(k + 1, test))
        base = 3 * k + 1
        if k < placing:
            requests += [
                request(base, 10, desired=0, test=test),
                request(base + 1, 2, desired=1, earliest=0, test=test),
                request(base + 2, 2, desired=2, earliest=0, test=test),
            ]
        else:
            requests += [
                request(base, 4, desired=0, test=test),
                request(base + 1, 1, desired=1, earliest=0, test=test),
            ]
    busy = [
        Busy(day(30), day(40), dyno_id=1, label="allocation"),
        Busy(day(35), day(45), dyno_id=1, label="maintenance"),
    ]
    problem = lab(requests, dynos, rules, busy, horizon_days=5)
    return problem, 3 * placing + 2 * waiting, 4 * placing + waiting


def test_a_lab_too_large_for_the_whole_model_reaches_the_optimum_greedy_misses():
    problem, best_placed, best_lateness = gadgets(placing=22, waiting=12)
    assert len(problem.requests) > EXACT_MAX_REQUESTS
    greedy = greedy_plan(problem)
    assert greedy.placed == 22 + 24
    assert greedy.total_lateness == 3 * 12
    plan = planned(problem, time_limit_s=120.0, num_workers=2, work_limit=3.0)
    assert plan.placed == best_placed
    assert plan.total_lateness == best_lateness
    assert plan.unplaced == ()
    # Every placeable request is placed (proved), but the lateness bound is the simple one.
    assert plan.stages[0].status == "OPTIMAL"
    assert plan.status == "FEASIBLE"


def test_the_same_large_input_and_seed_give_the_same_plan_with_two_workers():
    problem, _, _ = gadgets(placing=25, waiting=10)
    first = solve(problem, time_limit_s=120.0, num_workers=2, seed=3, work_limit=0.3)
    again = solve(problem, time_limit_s=120.0, num_workers=2, seed=3, work_limit=0.3)
    assert first.assignments == again.assignments
    assert violations(problem, first) == []


def test_large_labs_still_give_every_unplaced_request_its_reason():
    problem, _, _ = gadgets(placing=20, waiting=5)
    extra = [
        # Chain on the first gadget's dyno: its first step (8 days) never fits by day 5 once
        # the gadget's own requests are placed; the second step then has no earlier step.
        request(901, 8, desired=0, vehicle="C", step=1, test="t0", priority=1),
        request(902, 1, desired=0, vehicle="C", step=2, test="t0", priority=1),
        request(903, 2, test="nowhere"),
        request(904, 2, drive=None, test="t0"),
    ]
    problem = lab(
        [*problem.requests, *extra],
        list(problem.dynos),
        list(problem.rules),
        list(problem.busy),
        horizon_days=5,
    )
    plan = planned(problem, time_limit_s=120.0, num_workers=2, work_limit=2.0)
    assert plan.reason(903) == "no_compatible_dyno"
    assert plan.reason(904) == "bad_data"
    assert plan.reason(901) == "capacity"
    assert plan.reason(902) == "vehicle_chain"
    assert plan.placed == 3 * 20 + 2 * 5


def test_a_large_lab_greedy_plans_perfectly_is_proved_optimal_without_searching():
    requests = [request(i, 3, desired=3 * (i // 10)) for i in range(1, 71)]
    problem = lab(requests, [dyno(d) for d in range(1, 11)], horizon_days=30)
    assert len(problem.requests) > EXACT_MAX_REQUESTS
    plan = planned(problem, time_limit_s=120.0, num_workers=2)
    assert plan.placed == 70
    assert plan.total_lateness == 0
    assert plan.status == "OPTIMAL"
    assert plan.work == 0.0
