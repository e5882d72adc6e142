export const dynamic = "force-dynamic";

export default function Home() {
  return (
    <main className="p-8">
      <h1 className="text-2xl font-semibold">Tally</h1>
      <p>Payment-webhook operations.</p>
    </main>
  );
}
