"""Where it is written and read: the only package of the engine that imports SQLAlchemy.

Tables, connecting, every SQLite/PostgreSQL difference (``dialect``), reads, the write of one
change, the transaction port, the definition store and the outbox.
"""
