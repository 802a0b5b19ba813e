"""What the kiosk leaves for after its first frame: work spread one job a frame, so neither the
first frame nor a passer-by's first touch waits for all of it (benchmarks/kiosk_app.py times
the start). The process-level check, what a real ``python -m kiosk`` has loaded when its first
frame is drawn, is in test_process.py."""
from __future__ import annotations

from kiosk.ui.frames import AfterStart


def test_work_after_the_first_frame_runs_one_job_a_frame(kiosk):
    ran: list[str] = []
    later = AfterStart()
    later.add(lambda: ran.append("screens"))
    later.add(lambda: ran.append("languages"))
    kiosk.frames(1)  # this frame is drawn first
    assert ran == []
    kiosk.frames(1)
    assert ran == ["screens"]
    kiosk.frames(1)
    assert ran == ["screens", "languages"]
    kiosk.frames(2)  # the queue ran dry; a job added now runs at the next frame
    later.add(lambda: ran.append("sync"))
    kiosk.frames(1)
    assert ran == ["screens", "languages", "sync"]



def test_what_start_up_made_is_out_of_the_collector_s_reach(kiosk):
    """A full garbage collection walked every object of Kivy, the screens and the catalogues,
    and stalled a scrolling frame for 100-150 ms; the last job after the first frame freezes
    them (benchmarks/kiosk_app.py shows the max frame time)."""
    import gc

    kiosk.frames(20)  # each job a frame: the queue runs dry
    assert gc.get_freeze_count() > 100_000, gc.get_freeze_count()
