// GradCAM: see the issues for scope.
