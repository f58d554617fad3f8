// Kitchen access rules live in ONE place, @galley/auth/policy; this path stays for the pages that
// import it (client components must not pull the package's I/O through its index).
export { kitchenAccess, kitchenDenial, type KitchenNeed, type KitchenAccess, type KitchenFacts, type Denial } from "@galley/auth/policy";
