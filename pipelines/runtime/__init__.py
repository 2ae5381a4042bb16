"""Runtime: file tasks under datatrove executors, worker processes, progress, drop rows and input problems."""
