"""Post-training source registry: ``kind: chat`` entries of a sources YAML, with ``format:`` and ``options.category``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest.config import SourceConfig, load_sources
from pipelines.posttrain.formats import layout_named
from pipelines.posttrain.layouts.common import normalise_category

CHAT_KIND = "chat"
_OPTIONS = ("category",)


@dataclass(frozen=True)
class ChatSource:
    """One post-training corpus: the common source fields (name, paths, language, mix_source), the
    layout name (``format``; None: detected per file) and the category of rows that name none."""

    config: SourceConfig
    format: str | None = None
    category: str | None = None

    def __post_init__(self) -> None:
        if self.format is not None:
            object.__setattr__(self, "format", layout_named(self.format).name)
        object.__setattr__(self, "category", normalise_category(self.category))

    @property
    def name(self) -> str:
        """The source's registry name (prefix of its conversation ids)."""
        return self.config.name


def load_chat_sources(path: str | Path) -> list[ChatSource]:
    """Read the ``sources:`` list of a YAML file whose entries are all ``kind: chat``. Fields and
    paths are validated as for text sources (pipelines.ingest.config.load_sources); ``format`` must
    name a layout and ``options`` may only hold ``category``. Errors name the file, entry and field."""
    out = []
    for index, source in enumerate(load_sources(path)):
        where = f"{path}: sources[{index}] ({source.name})"
        if source.kind != CHAT_KIND:
            raise ValueError(f"{where}: field 'kind': post-training sources are kind {CHAT_KIND!r}, got {source.kind!r}")
        unknown = sorted(set(source.options) - set(_OPTIONS))
        if unknown:
            raise ValueError(f"{where}: field 'options': unknown option(s) {', '.join(unknown)}; known: {', '.join(_OPTIONS)}")
        try:
            out.append(ChatSource(source, source.format, source.options.get("category")))
        except ValueError as exc:
            raise ValueError(f"{where}: field 'format': {exc}") from None
    return out
