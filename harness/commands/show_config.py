"""``python -m harness show-config CONFIG``: print the merged config and its experiment hash."""

from __future__ import annotations

import argparse

NAME = "show-config"
HELP = "print a config after _base_ merging, --cfg-options and --data-root, with its hash"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", help="leaf config")
    p.add_argument("--cfg-options", nargs="+", default=None, metavar="KEY=VALUE", help="override config keys")
    p.add_argument("--data-root", default=None, help="replace the config's data root")
    p.add_argument("--hash", action="store_true", help="print only the experiment hash")


def run(args: argparse.Namespace) -> int:
    from harness.runner import experiment_hash, load_config, parse_cfg_options

    cfg = load_config(args.config, parse_cfg_options(args.cfg_options), args.data_root)
    digest = experiment_hash(cfg)
    if args.hash:
        print(digest)
        return 0
    print(cfg.pretty_text)
    print(f"# experiment hash (sha256, seed and run paths excluded): {digest}")
    return 0
