import { assertBuilt } from "../helpers/server";

export default function setup(): void {
  assertBuilt();
}
