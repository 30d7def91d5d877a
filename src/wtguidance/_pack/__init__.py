"""The compiler, stages 1–3: rule-pack YAML → ``RawPack`` → ``RulePack`` → ``CompiledPack``.

``load`` reads the files keeping every node's ``file:line:col``; ``schema`` checks each
file's shape against ``schemas/rule-pack.schema.json``; ``validate`` runs the semantic
checks against the case vocabulary (``vocabulary``) and builds the ``model``; ``compile``
indexes it and orders the deriving rules. ``views`` turns pack parts into their output
form, ``describe`` into plain records (``explain`` and the edition diff), ``lint`` reports
on a whole ``rules/`` tree. :mod:`wtguidance.editions` is the one entrance.
"""
