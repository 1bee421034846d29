"""Keeping an audience of thousands out of the garbage collector's full passes.

Each connected viewer is about 150 objects the collector tracks (its socket,
greenlet, queue, packets). Python walks every tracked object in a full pass
whenever the long-lived ones have grown by a quarter, so while thousands of
viewers arrive the server stops again and again, each pause longer than the
last: 350 ms at 3,000 viewers on the 2-core machine, the desk stalled too.

Here, each time the audience has grown by half since the last time, what is
alive is frozen (gc.freeze: left out of every later pass), so a pass walks only
what came since. Each time the audience has halved (the show is over), down
to the floor, everything is unfrozen, collected once and frozen again: what
the viewers who left kept in reference cycles is freed then, instead of
staying frozen for good. Those few passes are the price, paid as the audience
leaves.
"""

from __future__ import annotations

import gc

FLOOR = 500  # below this many viewers a full pass is short: nothing to do
GROWTH = 1.5


class Freezer:
    def __init__(self, floor: int = FLOOR, growth: float = GROWTH, collector=gc):
        self.floor, self.growth, self.gc = floor, growth, collector
        self.frozen_at = 0  # viewers when last frozen (0: not since start)

    def viewers_now(self, count: int) -> None:
        if count >= max(self.floor, self.frozen_at * self.growth):
            self.gc.collect(1)  # the young garbage is not frozen with the rest
            self.gc.freeze()
            self.frozen_at = count
        elif self.frozen_at >= self.floor and count <= self.frozen_at // 2:
            self.gc.unfreeze()
            self.gc.collect()
            self.gc.freeze()
            self.frozen_at = count


# One per process: the collector is the process's.
viewers_now = Freezer().viewers_now
