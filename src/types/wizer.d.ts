// @bytecodealliance/wizer ships no types: its default export is the path of the platform's wizer binary.
declare module '@bytecodealliance/wizer' {
  const location: string;
  export default location;
}
