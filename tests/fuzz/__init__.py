"""Fuzzing depmap's command line: project-shaped trees built from the bundled samples, mutated by a
seeded generator (`cases`), run through every command under a time and memory bound, and held to
depmap's promises (`harness`). `test_fuzz.py` is the CI part; `benchmarks/fuzz.py` the long run."""
