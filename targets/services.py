"""Changes to targets, their entered values and their period-end values (issue 22): filled in by the targets work."""
