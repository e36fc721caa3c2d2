// Checkpoints: see the issues for scope.
