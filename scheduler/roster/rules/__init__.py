"""The hard rules of a roster, one module each: audit, diagnosis and (later) model.

Every module states its rule precisely in its docstring and exposes a rule object
implementing :class:`scheduler.roster.rules.base.Rule`: ``audit(view)`` re-checks a
finished roster without the solver, ``diagnose(inputs)`` says before the solve
whether the rule can be met at all.
"""
