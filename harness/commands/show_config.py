"""``python -m harness show-config CONFIG``: print the merged config and its experiment hash.

CONFIG is a leaf file or an ablation variant named like one
(``harness/configs/cltdr_gmg/thumos14_internvideo2_6b_gate-off.py``: the leaf plus its switch,
see ``harness/experiments/variants.py``); ``--variants`` lists the variants.
"""

from __future__ import annotations

import argparse

NAME = "show-config"
HELP = "print a config (leaf or ablation variant) after merging and overrides, with its hash"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", nargs="?", help="leaf config, or an ablation variant named like a leaf")
    p.add_argument("--cfg-options", nargs="+", default=None, metavar="KEY=VALUE", help="override config keys")
    p.add_argument("--data-root", default=None, help="replace the config's data root")
    p.add_argument("--hash", action="store_true", help="print only the experiment hash")
    p.add_argument("--variants", action="store_true", help="list the ablation variants and exit")


def _list_variants() -> None:
    from harness.experiments.schema import config_path
    from harness.experiments.variants import PARENTS, VARIANTS

    for parent in PARENTS:
        for name, v in VARIANTS.items():
            switch = ", ".join(f"{k}={val!r}" for k, val in v.overrides)
            print(f"{config_path(f'{parent}_{name}')}  (Table {v.table}: {v.what}; {switch})")


def run(args: argparse.Namespace) -> int:
    from harness.errors import ConfigError

    if args.variants:
        _list_variants()
        return 0
    if args.config is None:
        raise ConfigError("show-config: give a CONFIG (or --variants)")
    from harness.runner import experiment_hash, load_config, parse_cfg_options

    cfg = load_config(args.config, parse_cfg_options(args.cfg_options), args.data_root)
    digest = experiment_hash(cfg)
    if args.hash:
        print(digest)
        return 0
    print(cfg.pretty_text)
    print(f"# experiment hash (sha256, seed and run paths excluded): {digest}")
    return 0
