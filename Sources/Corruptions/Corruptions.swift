// Corruptions: see the issues for scope.
