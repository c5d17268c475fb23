"""The PAR INDEX pages, one module per screen: criteria sets, rounds, the scoring table (one view
per step a row can take), evidence, submission and assignments, results, metric series."""
