// Networks: see the issues for scope.
