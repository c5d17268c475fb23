"""Changes to targets, their entered values and their period-end values, each audited (issue 22).

Contract used by the pages, the loader and the demo (implemented by the targets-core work):
- save_target(*, actor, target, tasks=None) -> Target: create or update (a bound ModelForm's
  `save(commit=False)` instance), tasks set when given; audited with before/after.
- enter_reading(*, actor, target, as_of, value, note="", documents=()) -> TargetReading
- take_snapshots(*, today, agency=None) -> int: every month end of each target's plan year before
  `today` without a snapshot gets one (value and status as of that day); returns how many.
- correct_snapshot(*, actor, snapshot, value, reason) -> TargetSnapshot: audited, reason required.
"""
