"""The ground floor: configuration, errors, progress, logging, languages and the network-address policy."""
