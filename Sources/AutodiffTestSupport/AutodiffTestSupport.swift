// AutodiffTestSupport: see the issues for scope.
