"""Bad ``[experiment.search]`` tables, each with the fragments its one-line message must hold.

Every file points at ``tiny.csv`` (text data) and searches ``bag_of_embeddings`` by default,
so a case that names an image model is about the model, not the data.
"""

from __future__ import annotations

HEAD = ('[[experiment]]\nname = "s"\ndataset = "tiny.csv"\nmodel = "bag_of_embeddings"\n'
        'epochs = 1\n\n[experiment.search]\ntrials = 3\n')
SPACE = "\n[experiment.search.space]\n"
WHERE = "bad.toml, experiment 1 ('s')"


def _space(lines: str, search: str = "") -> str:
    return HEAD + search + SPACE + lines + "\n"


# case → (file body, fragments of the message)
SEARCH_CASES: dict[str, tuple[str, tuple[str, ...]]] = {
    "empty-range": (_space("lr = { low = 0.1, high = 0.01 }"),
                    (WHERE, "search space 'lr'", "empty range", "low (0.1) must be below high")),
    "point-range": (_space("lr = { low = 0.1, high = 0.1 }"), (WHERE, "'lr'", "empty range")),
    "log-over-zero": (_space("weight_decay = { low = 0.0, high = 0.1, log = true }"),
                      (WHERE, "'weight_decay'", "a log scale needs low above 0")),
    "unknown-parameter": (_space("learning_rate = [0.1, 0.01]"),
                          (WHERE, "'learning_rate'", "is not a run parameter",
                           "did you mean 'lr'?")),
    "unknown-model": (_space('model = ["bag_of_embeddings", "resnet9000"]'),
                      (WHERE, "search space 'model'", "unknown model 'resnet9000'")),
    "option-no-model-has": (_space('model = ["bag_of_embeddings", "textcnn"]\n'
                                   '"model_options.width" = [8, 16]'),
                            (WHERE, "'model_options.width'",
                             "no model of the search has the option 'width'",
                             "textcnn has embed_dim, kernel_sizes")),
    "outside-schema": (_space('"model_options.dropout" = { low = 0.0, high = 0.95 }'),
                       (WHERE, "'model_options.dropout'", "0.95 is outside the schema",
                        "must be between 0 and 0.9")),
    "choice-outside-schema": (_space("batch_size = [16, 0]"),
                              (WHERE, "'batch_size'", "0 is outside the schema")),
    "grid-with-continuous-range": (_space("lr = { low = 0.001, high = 0.1 }",
                                          'sampler = "grid"\n'),
                                   (WHERE, "'lr'", "the grid sampler needs a list")),
    "range-over-text": (_space("optimizer = { low = 1, high = 2 }"),
                        (WHERE, "'optimizer'", "is not a number", "give a list")),
    "fixed-value": (_space("lr = 0.1"), (WHERE, "'lr'", "a list of choices or a range",
                                         "set it in the experiment")),
    "unsearchable": (_space('dataset = ["tiny.csv"]'), (WHERE, "'dataset'",
                                                        "cannot be searched")),
    "unknown-range-key": (_space("lr = { low = 0.001, high = 0.1, scale = 'log' }"),
                          (WHERE, "unknown range key 'scale'")),
    "integer-step-not-whole": (_space("batch_size = { low = 8, high = 64, step = 2.5 }"),
                               (WHERE, "'batch_size'", "step must be a whole number")),
    "no-budget": (HEAD.replace("trials = 3\n", "") + SPACE + "lr = [0.1, 0.01]\n",
                  (WHERE, "needs a budget", "trials = N and/or timeout")),
    "unknown-search-key": (_space("lr = [0.1]", "trails = 4\n"),
                           (WHERE, "unknown key 'trails' in [experiment.search]")),
    "unknown-metric": (_space("lr = [0.1]", 'metric = "f1"\n'),
                       (WHERE, "'metric' must be one of", "'val_accuracy'")),
    "no-space": (HEAD, (WHERE, "needs a [experiment.search.space] table")),
    "grid-and-search": (HEAD.replace("[experiment.search]", "[experiment.grid]\nlr = [0.1]\n\n"
                                     "[experiment.search]") + SPACE + "batch_size = [8]\n",
                        (WHERE, "either [experiment.grid] or [experiment.search]")),
    "model-for-other-data": (_space('model = ["bag_of_embeddings", "small_cnn"]'),
                             (WHERE, "'small_cnn' is for image data", "search space 'model'")),
}
SEARCH_CASES["option-without-prefix"] = (
    _space("dropout = { low = 0.0, high = 0.5 }"),
    (WHERE, "'dropout'", "is not a run parameter", "did you mean 'model_options.dropout'?"))
