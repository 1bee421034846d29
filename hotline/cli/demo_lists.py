"""The demo city's areas and categories (hotline/cli/seed_*.csv), loaded as an
import of the office's would load them."""

from __future__ import annotations

from pathlib import Path

from ..changes import areas, categories

# The demo city's lists, in the office's CSV format (also what migration
# 0035_categories_data seeds a database with).
SEED_AREAS = Path(__file__).with_name("seed_areas.csv")
SEED_CATEGORIES = Path(__file__).with_name("seed_categories.csv")


def seed() -> None:
    """The office's areas and categories from the seed files, as an import
    would make them (the departments named must exist by now)."""
    for module, path in ((areas, SEED_AREAS), (categories, SEED_CATEGORIES)):
        plan, problems = module.plan_import(path.read_text(encoding="utf-8"))
        if problems:
            raise ValueError(f"{path.name}: {problems}")
        module.apply_import(plan, None, audited=False)  # demo data, not an office action
