"""Papers cited by the handbook, and the figures it quotes from them.

Figures in ``PUBLISHED_FIGURES`` are copied from the papers, not computed:
they are measurements or statements that the cost model cannot reproduce.
The handbook prints them from here, names the source next to each, and its
tests check that the page text quotes the same values.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Paper", "PAPERS", "PublishedFigure", "PUBLISHED_FIGURES"]


@dataclass(frozen=True)
class Paper:
    """One cited paper.

    Examples
    --------
    >>> PAPERS["vaswani2017"].year
    2017
    """

    key: str
    authors: str
    year: int
    title: str
    venue: str
    arxiv: str


@dataclass(frozen=True)
class PublishedFigure:
    """A number quoted from a paper, with where it appears."""

    paper: str
    where: str
    label: str
    value: float
    unit: str


_PAPERS = (
    Paper("bahdanau2014", "Bahdanau, Cho, Bengio", 2014,
          "Neural Machine Translation by Jointly Learning to Align and Translate",
          "ICLR 2015", "1409.0473"),
    Paper("vaswani2017", "Vaswani, Shazeer, Parmar, Uszkoreit, Jones, Gomez, "
          "Kaiser, Polosukhin", 2017, "Attention Is All You Need",
          "NeurIPS 2017", "1706.03762"),
    Paper("shazeer2019", "Shazeer", 2019,
          "Fast Transformer Decoding: One Write-Head is All You Need",
          "arXiv", "1911.02150"),
    Paper("clark2019", "Clark, Khandelwal, Levy, Manning", 2019,
          "What Does BERT Look At? An Analysis of BERT's Attention",
          "BlackboxNLP 2019", "1906.04341"),
    Paper("beltagy2020", "Beltagy, Peters, Cohan", 2020,
          "Longformer: The Long-Document Transformer", "arXiv", "2004.05150"),
    Paper("zaheer2020", "Zaheer et al.", 2020,
          "Big Bird: Transformers for Longer Sequences", "NeurIPS 2020",
          "2007.14062"),
    Paper("milakov2018", "Milakov, Gimelshein", 2018,
          "Online normalizer calculation for softmax", "arXiv", "1805.02867"),
    Paper("dao2022", "Dao, Fu, Ermon, Rudra, Ré", 2022,
          "FlashAttention: Fast and Memory-Efficient Exact Attention with "
          "IO-Awareness", "NeurIPS 2022", "2205.14135"),
    Paper("kwon2023", "Kwon et al.", 2023,
          "Efficient Memory Management for Large Language Model Serving with "
          "PagedAttention", "SOSP 2023", "2309.06180"),
    Paper("ainslie2023", "Ainslie, Lee-Thorp, de Jong, Zemlyanskiy, Lebrón, "
          "Sanghai", 2023,
          "GQA: Training Generalized Multi-Query Transformer Models from "
          "Multi-Head Checkpoints", "EMNLP 2023", "2305.13245"),
    Paper("jiang2023", "Jiang et al.", 2023, "Mistral 7B", "arXiv", "2310.06825"),
)  # fmt: skip

# Cited papers by key.
PAPERS: dict[str, Paper] = {paper.key: paper for paper in _PAPERS}

_FIGURES = (
    # Ainslie et al. 2023, Table 1: inference time per sample and average score
    # over summarisation, translation and question answering. The XXL models
    # are T5-XXL checkpoints uptrained with 5% of the pre-training compute.
    PublishedFigure("ainslie2023", "Table 1", "MHA-Large time", 0.37, "s"),
    PublishedFigure("ainslie2023", "Table 1", "MHA-XXL time", 1.51, "s"),
    PublishedFigure("ainslie2023", "Table 1", "MQA-XXL time", 0.24, "s"),
    PublishedFigure("ainslie2023", "Table 1", "GQA-8-XXL time", 0.28, "s"),
    PublishedFigure("ainslie2023", "Table 1", "MHA-Large average", 46.0, ""),
    PublishedFigure("ainslie2023", "Table 1", "MHA-XXL average", 47.2, ""),
    PublishedFigure("ainslie2023", "Table 1", "MQA-XXL average", 46.6, ""),
    PublishedFigure("ainslie2023", "Table 1", "GQA-8-XXL average", 47.1, ""),
    PublishedFigure("ainslie2023", "section 3", "uptraining share", 5, "%"),
    # Dao et al. 2022, abstract: end-to-end training speed-ups.
    PublishedFigure("dao2022", "abstract", "BERT-large speed-up", 15, "%"),
    PublishedFigure("dao2022", "abstract", "GPT-2 speed-up", 3, "x"),
    PublishedFigure("dao2022", "abstract", "Long Range Arena speed-up", 2.4, "x"),
    # Kwon et al. 2023, section 3: the KV cache of one OPT-13B token in fp16.
    PublishedFigure("kwon2023", "section 3", "OPT-13B KV cache per token", 800, "KB"),
    # Jiang et al. 2023, section 2: window 4096 times 32 layers.
    PublishedFigure("jiang2023", "section 2", "theoretical attention span", 131, "K"),
)

# Quoted figures by (paper key, label).
PUBLISHED_FIGURES: dict[tuple[str, str], PublishedFigure] = {
    (figure.paper, figure.label): figure for figure in _FIGURES
}
