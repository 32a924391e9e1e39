"""Who drives it: the Core the loops share, the Engine facade, the due-timer loop and simulated
time, deadline recomputation, worklists and the worker."""
