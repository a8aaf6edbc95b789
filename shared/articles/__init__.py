"""The article itself: the models clients send and the index stores, its id, its size policy, its near-duplicates."""
