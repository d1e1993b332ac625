// The path parameters of the API's routes, for its OpenAPI document.
import { Type } from '@tackle/client'

export const IdParams = Type.Object({ id: Type.String() })
export const GroupParams = Type.Object({ group: Type.String({ description: 'the consumer group id' }) })
export const TopicParams = Type.Object({ topic: Type.String() })
