"""Answers to an administrator's questions, read off the explored graph of a lab's model.

`whatif` answers "what happens if I do this now": the administrator's actions from the lab's
steady state, then the system's own steps under weak fairness. `diagnose` answers "how did my site
get here, and what cures it" for an observable symptom. Both read the generic checker's graph and
verdicts (`ehttp.checker`); neither simulates.
"""
