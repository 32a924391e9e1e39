"""What gongkai's workflows share, so that each workflow keeps only its own law.

Each module has one job; import from the module (``workflows.common.fields``), not from here, so
that a workflow pulls in only what it uses.
"""
