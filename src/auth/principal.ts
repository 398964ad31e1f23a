/** Who is calling: established once per request, before anything is read. */
export interface Principal {
  clientId: string;
}
