"""The paper's ablation variants (Tables 6-11): the label of each variant in
``results/paper/tables.csv`` and the name of the config variant that runs it.

Shared by the experiment declarations (``harness.experiments``) and the report library
(``reports``, which marks the full-model row of each ablation table).
"""

# ablation variant (tables.csv) -> config variant name; None = the full model (the Table 1 config)
VARIANT_SUFFIX = {
    "gmg=instant": "gmg-instant",
    "gmg=local": "gmg-local",
    "gmg=global": "gmg-global",
    "gmg=instant+local": "gmg-instant-local",
    "gmg=instant+global": "gmg-instant-global",
    "gmg=local+global": "gmg-local-global",
    "gmg=instant+local+global": None,
    "gate=off": "gate-off",
    "gate=on": None,
    "global=fft": None,
    "global=self-attention": "global-self-attention",
    "cls=P_l": "cls-l",
    "cls=P_l+1+P_l": None,
    "cls=P_l+P_l-1": "cls-l-lm1",
    "cls=P_l+1+P_l+P_l-1": "cls-lp1-l-lm1",
    "reg=P_l": "reg-l",
    "reg=P_l+P_l-1": None,
    "reg=P_l+1+P_l": "reg-lp1-l",
    "reg=P_l+1+P_l+P_l-1": "reg-lp1-l-lm1",
    "refine=none": "refine-none",
    "refine=cls": "refine-cls",
    "refine=reg": "refine-reg",
    "refine=cls+reg": None,
    "fusion=concat": "fusion-concat",
    "fusion=add": "fusion-add",
    "fusion=attention": None,
}
