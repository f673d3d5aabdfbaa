import { z } from "zod";
import { authedProcedure, publicProcedure, router } from "../trpc.ts";
import { ChangePasswordInputSchema, LoginInputSchema, SetupInputSchema } from "../../services/auth.ts";

export const authRouter = router({
  status: publicProcedure.query(async ({ ctx }) => {
    const { setupRequired } = await ctx.app.services.auth.status();
    return { setupRequired, user: ctx.user };
  }),
  setup: publicProcedure.input(SetupInputSchema).mutation(async ({ ctx, input }) => {
    const res = await ctx.app.services.auth.setup(input, ctx.client);
    ctx.setCookie(res.cookie);
    return { ok: true as const };
  }),
  login: publicProcedure.input(LoginInputSchema).mutation(async ({ ctx, input }) => {
    const res = await ctx.app.services.auth.login(input, ctx.client);
    ctx.setCookie(res.cookie);
    return { ok: true as const };
  }),
  logout: authedProcedure.input(z.void()).mutation(async ({ ctx }) => {
    const res = await ctx.app.services.auth.logout(ctx.sessionId, ctx.client.secure);
    ctx.setCookie(res.cookie);
    return { ok: true as const };
  }),
  changePassword: authedProcedure.input(ChangePasswordInputSchema).mutation(async ({ ctx, input }) => {
    const res = await ctx.app.services.auth.changePassword(ctx.user.id, ctx.sessionId, input, ctx.client);
    ctx.setCookie(res.cookie);
    return { ok: true as const };
  }),
});
