// Entry point of the `coordinator` executable.
print("coordinator: not yet implemented")
