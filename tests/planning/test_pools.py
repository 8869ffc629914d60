"""The tightest pool of interchangeable dynos: the bottleneck a plan summary names."""

from __future__ import annotations

from dyno_agent.planning.pools import pools, tightest_pool
from dyno_agent.planning.problem import Busy, Dyno, Rule
from tests.planning.cases import day, lab, request


def test_the_pool_only_two_dynos_serve_is_the_tightest_and_says_what_it_is_asked():
    dynos = [Dyno(1, "MPG 1"), Dyno(2, "MPG 2"), Dyno(3, "MPG 3"), Dyno(4, "MPG 4")]
    rules = [Rule(d, "emissions") for d in (1, 2, 3, 4)]
    rules += [Rule(1, "not cert-durability"), Rule(2, "not cert-durability")]
    requests = [request(i, 20, test="not cert-durability") for i in range(1, 5)]
    requests += [request(i, 10) for i in range(5, 9)]
    busy = [Busy(day(0), day(9), dyno_id=2, label="maintenance")]
    problem = lab(requests, dynos, rules, busy, horizon_days=30)
    pool = tightest_pool(problem)
    assert pool is not None
    assert pool.dyno_names == ("MPG 1", "MPG 2")
    assert (pool.demand_days, pool.capacity_days) == (80, 50)
    assert pool.describe() == (
        "not cert-durability can run only on MPG 1 and MPG 2: 80 dyno-days asked, "
        "50 free until the horizon"
    )
    everything = pools(problem)[-1]
    assert (everything.demand_days, everything.capacity_days) == (120, 110)
    assert everything.test_types == ("emissions", "not cert-durability")


def test_no_pool_when_no_request_can_run():
    assert tightest_pool(lab([request(1, 2, test="evap")], [Dyno(1, "D1")])) is None


def test_with_the_desired_anchor_capacity_runs_to_the_last_desired_start_plus_the_horizon():
    requests = [request(1, 5, desired=10), request(2, 5, desired=40)]
    problem = lab(requests, [Dyno(1, "D1")], horizon_days=30, horizon_anchor="desired")
    pool = tightest_pool(problem)
    assert pool is not None
    assert (pool.demand_days, pool.capacity_days) == (10, 70)
