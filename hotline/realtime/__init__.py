"""Socket.IO, what each change pushes where, fan-out and the public cache."""
