/** A request Stripe would refuse, answered the way Stripe words it (`invalid_request_error`). */
export class InvalidRequestError extends Error {
  constructor(
    message: string,
    readonly param: string,
    readonly status = 400,
    readonly code: string | undefined = undefined,
  ) {
    super(message);
  }
}
