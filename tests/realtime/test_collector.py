"""The audience's sockets are kept out of the collector's full passes while it
grows, and what viewers who left kept in reference cycles is freed once it
has halved (hotline/realtime/collector.py)."""

from __future__ import annotations

import gc
import weakref

import pytest

from hotline.realtime.collector import Freezer


class Recorder:
    """Stands in for the gc module: records what the freezer asks of it."""

    def __init__(self):
        self.calls: list[str] = []

    def collect(self, generation: int = 2) -> int:
        self.calls.append(f"collect({generation})")
        return 0

    def freeze(self) -> None:
        self.calls.append("freeze")

    def unfreeze(self) -> None:
        self.calls.append("unfreeze")


def test_an_arriving_audience_is_frozen_each_time_it_grows_by_half():
    recorder = Recorder()
    freezer = Freezer(floor=500, collector=recorder)
    frozen_at = []
    for count in range(1, 3001):
        before = len(recorder.calls)
        freezer.viewers_now(count)
        if len(recorder.calls) > before:
            frozen_at.append(count)
    assert frozen_at == [500, 750, 1125, 1688, 2532]
    # Young garbage collected first, never a full pass while the audience grows.
    assert recorder.calls == ["collect(1)", "freeze"] * 5


def test_a_halved_audience_is_unfrozen_and_collected_once():
    recorder = Recorder()
    freezer = Freezer(floor=500, collector=recorder)
    for count in range(1, 3001):
        freezer.viewers_now(count)
    recorder.calls.clear()
    for count in range(3000, -1, -1):  # the show is over: everyone leaves
        freezer.viewers_now(count)
    # A full pass each time it has halved (from 2,532: at 1,266, 633 and 316),
    # none once below the floor.
    assert recorder.calls == ["unfreeze", "collect(2)", "freeze"] * 3


def test_a_small_audience_costs_nothing():
    recorder = Recorder()
    freezer = Freezer(floor=500, collector=recorder)
    for count in [*range(1, 400), *range(400, 0, -1)] * 3:
        freezer.viewers_now(count)
    assert recorder.calls == []


class Socket:
    """A viewer's objects, in a reference cycle as a real socket's are."""

    def __init__(self):
        self.me = self


@pytest.fixture
def real_collector():
    gc.collect()
    yield gc
    gc.unfreeze()  # leave the test process as it was


def test_what_viewers_who_left_kept_in_cycles_is_freed(real_collector):
    freezer = Freezer(floor=20, collector=real_collector)
    sockets = []
    for count in range(1, 41):  # frozen at 20 and at 30
        sockets.append(Socket())
        freezer.viewers_now(count)
    assert real_collector.get_freeze_count() > 0
    left = []
    while len(sockets) > 15:  # half of the 30 frozen leave: their cycles stay behind
        left.append(weakref.ref(sockets.pop()))
        freezer.viewers_now(len(sockets))
    assert left and all(ref() is None for ref in left)  # the one pass freed them
    stayed = [weakref.ref(s) for s in sockets]
    assert all(ref() is not None for ref in stayed)
