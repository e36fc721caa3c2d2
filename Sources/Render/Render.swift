// Render: see the issues for scope.
