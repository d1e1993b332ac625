// Where service-main.ts is, for whoever starts pipeline services as processes (tackle verify
// --target pipeline does); importing this starts nothing.
export const SERVICE_MAIN_PATH = new URL('./service-main.ts', import.meta.url)
