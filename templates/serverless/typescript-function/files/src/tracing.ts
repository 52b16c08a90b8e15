/**
 * Tracing on AWS X-Ray with Powertools' tracer (template.yaml turns tracing on): each invocation
 * gets a subsegment of its own, annotated with the service and whether the container was cold,
 * as Powertools' own decorator does (this is its documented manual form, with no decorators to
 * compile), and each call of an AWS SDK client the tracer captures gets one more. Outside
 * Lambda the tracer is off, and this passes the handler through.
 */
import type { Tracer } from "@aws-lambda-powertools/tracer";

export function tracedHandler<A extends unknown[], R>(
  tracer: Tracer,
  name: string,
  handler: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args) => {
    if (!tracer.isTracingEnabled()) return handler(...args);
    const segment = tracer.getSegment(); // the segment Lambda made for the invocation
    const subsegment = segment?.addNewSubsegment(`## ${name}`);
    if (subsegment) tracer.setSegment(subsegment);
    tracer.annotateColdStart();
    tracer.addServiceNameAnnotation();
    try {
      return await handler(...args);
    } catch (error) {
      tracer.addErrorAsMetadata(error as Error);
      throw error;
    } finally {
      subsegment?.close();
      if (segment) tracer.setSegment(segment);
    }
  };
}
