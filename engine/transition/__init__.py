"""Whether and how an instance moves: named callables, compiled definitions, the context guards
and actions see, and the decision from a stored instance to the change it writes."""
