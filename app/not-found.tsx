import Link from "next/link";

export default function NotFound() {
  return (
    <div className="flex h-full flex-col items-center justify-center gap-3 p-6 text-center" data-testid="not-found">
      <p className="text-lg font-semibold">Nothing here</p>
      <p className="text-sm text-zinc-500">This conversation does not exist, or the address is wrong.</p>
      <Link href="/" className="btn-primary">
        Start a new chat
      </Link>
    </div>
  );
}
