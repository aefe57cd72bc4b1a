"""Try it's registry entries: "churn @ production" beside the runs, loading the version's run.

Listed on the pool with the runs: every alias of every registered name, resolved to its
version and that version's run (trashed runs still load; deleted ones cannot be aliased).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.catalog import Catalog, ModelVersion, RunRecord


@dataclass(frozen=True)
class AliasedModel:
    """One "NAME @ ALIAS" entry and the run it loads."""

    name: str
    alias: str
    version: ModelVersion
    run: RunRecord

    @property
    def key(self) -> str:
        return f"model:{self.name}@{self.alias}"

    @property
    def title(self) -> str:
        accuracy = ("" if self.run.test_accuracy is None
                    else f", test acc {self.run.test_accuracy:.1%}")
        return (f"{self.name} @ {self.alias} — v{self.version.version}, run #{self.run.id} "
                f"{self.run.model}{accuracy}")


def aliased_models(catalog: Catalog) -> list[AliasedModel]:
    """Every alias of every name, production first, then by name and alias."""
    found = []
    for model in catalog.list_registered_models():
        for alias in model.aliases:
            version = catalog.resolve_model(model.name, alias=alias)
            if version.run_id is not None:
                found.append(AliasedModel(model.name, alias, version,
                                          catalog.get_run_record(version.run_id)))
    return sorted(found, key=lambda entry: (entry.alias != "production", entry.name.casefold(),
                                            entry.alias))
