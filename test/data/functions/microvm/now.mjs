// Answers with the guest's wall clock and a random number: a restored guest's clock must have been corrected,
// and restored guests share their random state.
export async function handler() {
  return { statusCode: 200, body: JSON.stringify({ now: Date.now(), random: Math.random() }) };
}
