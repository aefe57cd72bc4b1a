"""The architecture palette: a registry of model specs that build ``nn.Module``s."""
