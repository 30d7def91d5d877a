"""Stage 4, evaluate one edition: compiled pack × a case's facts → dated conclusions.

Layered bottom to top: ``facts`` (case events as dated facts) → ``context`` (matching,
conditions, triggers, forward chaining, precedence) → one module per conclusion kind
(``obligations``, ``case_holders``, ``sign_offs``) → ``run`` (the order they run in);
``dates`` reports a deadline the working-day calendar cannot count at the case event it
runs from.
:mod:`wtguidance.evaluation` runs every edition a case needs and assembles the outcome.
"""
