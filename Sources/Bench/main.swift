// Entry point of `coordinator-bench`: benchmarks that print our figure beside a reference's.
print("usage: coordinator-bench <redis|...>")
