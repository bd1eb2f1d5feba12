"""What every rule asks, answered once: the source and its node index, the vocabulary of
names, value judgements, data flow, the provider and scope catalogues, config-file
parsing and the context of a file. Rules ask here; they do not re-implement."""
