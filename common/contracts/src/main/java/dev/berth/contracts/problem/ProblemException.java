package dev.berth.contracts.problem;

/** Thrown anywhere in a request to answer with a problem document. The detail must hold no secret. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(ProblemType type, String detail) {
        super(detail, null, false, false);
        this.problem = Problem.of(type, detail);
    }

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
