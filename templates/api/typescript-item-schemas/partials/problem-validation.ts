/** The answer to a request the routes' schemas refused: a 422 naming each failing value. */
function invalidRequest(
  error: FastifyError,
): Pick<Problem, "status" | "detail" | "errors"> | undefined {
  if (!error.validation) return undefined;
  const where = error.validationContext ?? "request";
  const errors = error.validation.map((issue) => ({
    location: `${where}${issue.instancePath}`,
    message: String(issue.message),
  }));
  return { status: 422, detail: "The request is invalid.", errors };
}