"""The window's pages, in navigation order. Each takes ``(state, queue)``."""

from app.gui.pages.catalog_page import CatalogPage
from app.gui.pages.compare_page import ComparePage
from app.gui.pages.data_page import DataPage
from app.gui.pages.models_page import ModelsPage
from app.gui.pages.registry_page import RegistryPage
from app.gui.pages.search_page import SearchPage
from app.gui.pages.training_page import TrainingPage
from app.gui.pages.try_page import TryPage

PAGES = (
    ("Data", DataPage),
    ("Models", ModelsPage),
    ("Training", TrainingPage),
    ("Catalog", CatalogPage),
    ("Compare", ComparePage),
    ("Search", SearchPage),
    ("Models registry", RegistryPage),
    ("Try it", TryPage),
)

__all__ = ["PAGES", "CatalogPage", "ComparePage", "DataPage", "ModelsPage", "RegistryPage",
           "SearchPage", "TrainingPage", "TryPage"]
